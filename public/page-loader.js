var c = document.documentElement.classList;
if (location.pathname !== '/') c.add('elsewhere');
if (sessionStorage.getItem('secure-pets.session')) c.add('has-session');
